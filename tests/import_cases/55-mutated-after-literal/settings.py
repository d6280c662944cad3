# LOGGING built as a literal, then changed by the lines below it (split settings,
# cookiecutter's production.py, "if DEBUG:" blocks): Python sees the changed dict.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "f"},
        "file": {"class": "logging.FileHandler", "filename": "app.log", "formatter": "f"},
    },
    "loggers": {"shop": {"handlers": ["console"], "level": "INFO"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

LOGGING["loggers"]["celery"] = {"handlers": ["file"], "level": "DEBUG", "propagate": False}
LOGGING["handlers"]["file"]["filename"] = "celery.log"
LOGGING["root"]["level"] = "ERROR"
