from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

from . import params


class DefaultCursorPagination(CursorPagination):
    """Keyset pagination: page 1,000 costs what page 1 costs.

    `page_size` is 1..500 and a malformed `cursor` is refused (400), never silently ignored."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        return params.parse_int(
            raw, field=self.page_size_query_param, minimum=1, maximum=self.max_page_size, label="每页条数"
        )

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {self.cursor_query_param: ["分页游标无效，请从第一页重新开始。"]}
            )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
