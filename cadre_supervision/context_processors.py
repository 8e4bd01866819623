from . import registry


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    return {
        "main_nav": [i for i in registry.nav_items if i.visible(user)],
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
