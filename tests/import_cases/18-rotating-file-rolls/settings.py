# RotatingFileHandler that rolls over during the run: the same backups on both sides.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": "logs/app.log",
            "maxBytes": 300,
            "backupCount": 2,
            "formatter": "f",
        },
    },
    "loggers": {
        "app": {"handlers": ["file"], "level": "DEBUG", "propagate": False},
        "app.db": {"level": "WARNING"},
    },
    "root": {"handlers": ["file"], "level": "INFO"},
}
import os
os.makedirs("logs", exist_ok=True)
