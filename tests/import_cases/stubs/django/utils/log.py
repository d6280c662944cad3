"""Stand-ins for django.utils.log with Django's semantics where they show in local
output (settings.DEBUG is False, as in production): the filters, CallbackFilter,
ServerFormatter without a terminal, and AdminEmailHandler, which only sends mail."""
import logging

DEBUG = False


class RequireDebugTrue(logging.Filter):
    def filter(self, record):
        return DEBUG


class RequireDebugFalse(logging.Filter):
    def filter(self, record):
        return not DEBUG


class CallbackFilter(logging.Filter):
    def __init__(self, callback):
        self.callback = callback

    def filter(self, record):
        if self.callback(record):
            return 1
        return 0


class ServerFormatter(logging.Formatter):
    default_time_format = "%d/%b/%Y %H:%M:%S"

    def format(self, record):
        if self.uses_server_time() and not hasattr(record, "server_time"):
            record.server_time = self.formatTime(record, self.datefmt)
        return super().format(record)

    def uses_server_time(self):
        return self._fmt.find("{server_time}") >= 0


class AdminEmailHandler(logging.Handler):
    """Mails the admins: nothing appears locally."""

    def __init__(self, include_html=False, email_backend=None, reporter_class=None):
        super().__init__()

    def emit(self, record):
        pass


class NullHandler(logging.NullHandler):
    """Django < 1.9 shipped its own."""
