"""Shared pages: the notification centre."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import ListView

from .models import Notification
from .notifications import mark_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread") == "1":
            qs = qs.filter(read_at__isnull=True)
        return qs


class NotificationReadView(LoginRequiredMixin, View):
    def post(self, request, pk=None):
        if pk is None:
            mark_read(request.user)
            return HttpResponseRedirect(request.POST.get("next") or "/notifications/")
        n = get_object_or_404(Notification, pk=pk, recipient=request.user)  # others' rows: 404
        mark_read(request.user, [n.pk])
        return HttpResponseRedirect(n.url or "/notifications/")
