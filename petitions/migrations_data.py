"""Default problem categories (问题类别), shared by the data migration and the test fixture."""

CATEGORIES = [
    ("political", "违反政治纪律"),
    ("organizational", "违反组织纪律（选人用人）"),
    ("integrity", "违反廉洁纪律"),
    ("mass", "违反群众纪律"),
    ("work", "违反工作纪律"),
    ("life", "违反生活纪律"),
    ("eight_rules", "违反中央八项规定精神"),
    ("duty", "失职失责、不作为乱作为"),
    ("other", "其他"),
]
