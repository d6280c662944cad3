# WatchedFileHandler for a file that logrotate moves.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(name)s:%(levelname)s:%(message)s"}},
    "handlers": {
        "watched": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": "var/watched.log",
            "formatter": "f",
            "delay": True,
        },
    },
    "loggers": {"worker": {"handlers": ["watched"], "level": "DEBUG"}},
}
import os
os.makedirs("var", exist_ok=True)
