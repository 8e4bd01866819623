from cadre_supervision.views import ScopedListView

from .models import Cadre


class CadreListView(ScopedListView):
    model = Cadre
    template_name = "cadres/cadre_list.html"
