"""The measuring side of `manage.py bench` (issue 14): counting, targets, floors, the typical
implementation it is compared with. Nothing here is mounted in the product's URLs."""
