# A settings file that turns Django's logging setup off and configures it itself, with
# LOGGING_CONFIG and LOGGING_DIR above LOGGING (a very common layout).
import logging.config
import os

LOGGING_CONFIG = None
LOGGING_LEVEL = "INFO"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "f"}},
    "loggers": {"shop": {"handlers": ["console"], "level": "INFO"}},
}
