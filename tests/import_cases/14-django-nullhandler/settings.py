# Django < 1.9 projects name django.utils.log.NullHandler to silence a logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "null": {"level": "DEBUG", "class": "django.utils.log.NullHandler"},
        "console": {"level": "DEBUG", "class": "logging.StreamHandler"},
    },
    "loggers": {
        "django.db.backends": {"handlers": ["null"], "propagate": False, "level": "DEBUG"},
        "django": {"handlers": ["console"], "level": "WARNING"},
    },
}
