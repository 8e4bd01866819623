def seed(*, today, rng, stdout):
    pass
