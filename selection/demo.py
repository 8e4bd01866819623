"""Demo data of the selection app (filled below)."""


def seed(*, today, rng, stdout):  # noqa: ARG001
    return None
