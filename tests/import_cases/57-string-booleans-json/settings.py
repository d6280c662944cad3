# Booleans written as strings (from environment variables): Python treats any
# non-empty string as true, so "False" still propagates.
import os

LOGGING = {
    "version": 1,
    "disable_existing_loggers": os.environ.get("DISABLE_LOGGERS", "False"),
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "f"},
        "file": {"class": "logging.FileHandler", "filename": "api.log", "formatter": "f", "delay": "False"},
    },
    "loggers": {
        "api": {"handlers": ["file"], "level": "INFO", "propagate": "False"},
    },
    "root": {"handlers": ["out"], "level": "INFO"},
}
