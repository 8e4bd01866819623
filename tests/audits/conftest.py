from .helpers import ac, private_media, resolvable_nav  # noqa: F401
