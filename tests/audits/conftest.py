from .helpers import ac, private_media  # noqa: F401
