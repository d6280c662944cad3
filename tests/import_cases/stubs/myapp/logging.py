"""An application's own formatter: request_id from the request, "-" outside one."""
import logging


class RequestFormatter(logging.Formatter):
    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)
