def seed_demo(*, today, rng, stdout):
    pass
