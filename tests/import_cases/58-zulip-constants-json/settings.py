# zproject/computed_settings.py style (abridged): handler lists and file names in
# module constants, formatter classes of the project, WatchedFileHandler.
import os

LOG_DIR = os.environ["CASE_DIR"]
SERVER_LOG_PATH = os.path.join(LOG_DIR, "server.log")
ERROR_FILE_LOG_PATH = os.path.join(LOG_DIR, "errors.log")
DEFAULT_ZULIP_HANDLERS = ["console", "file", "errors_file"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "default": {"format": "%(levelname)-8s %(name)s %(message)s"},
        "webhook_request_data": {"format": "%(levelname)s [%(name)s] %(message)s"},
    },
    "filters": {
        "nop": {"()": "logging.Filter"},
    },
    "handlers": {
        "console": {"level": "DEBUG", "class": "logging.StreamHandler", "formatter": "default"},
        "file": {
            "level": "DEBUG",
            "class": "logging.handlers.WatchedFileHandler",
            "formatter": "default",
            "filename": SERVER_LOG_PATH,
        },
        "errors_file": {
            "level": "WARNING",
            "class": "logging.handlers.WatchedFileHandler",
            "formatter": "default",
            "filename": ERROR_FILE_LOG_PATH,
        },
    },
    "loggers": {
        "": {"level": "INFO", "filters": ["nop"], "handlers": DEFAULT_ZULIP_HANDLERS},
        "django": {"level": "INFO"},
        "django.security.DisallowedHost": {"handlers": ["file"], "propagate": False},
        "zulip.queue": {"level": "WARNING"},
    },
}
