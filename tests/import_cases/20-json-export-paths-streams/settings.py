# Imported from the documented export, json.dumps(LOGGING, default=str): a pathlib.Path
# file name, sys.stdout as a stream object, a function as a callback.
import os
import sys
from pathlib import Path


def not_health_checks(record):
    return True


LOG_DIR = Path(os.environ["CASE_DIR"]) / "logs"
LOG_DIR.mkdir(exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_health": {"()": "django.utils.log.CallbackFilter", "callback": not_health_checks},
    },
    "formatters": {"f": {"format": "%(levelname)s [%(name)s] %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": "f"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": LOG_DIR / "app.log",
            "maxBytes": 1024 * 1024 * 5,
            "backupCount": 5,
            "formatter": "f",
            "filters": ["no_health"],
        },
    },
    "loggers": {
        "shop": {"handlers": ["stdout", "file"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
}
