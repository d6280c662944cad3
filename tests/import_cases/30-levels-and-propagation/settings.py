# Handler levels below and above logger levels, propagation through two configured
# ancestors, a handler shared by both.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "a": {"format": "A %(levelname)s %(name)s %(message)s"},
        "b": {"format": "B %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "all": {"class": "logging.FileHandler", "filename": "all.log", "formatter": "a", "level": "DEBUG"},
        "errors": {"class": "logging.FileHandler", "filename": "errors.log", "formatter": "b", "level": "ERROR"},
        "console": {"class": "logging.StreamHandler", "formatter": "b", "level": "WARNING"},
    },
    "loggers": {
        "billing": {"handlers": ["all"], "level": "DEBUG"},
        "billing.api": {"handlers": ["errors", "all"], "level": "INFO"},
        "billing.api.v2": {"level": "WARNING", "propagate": True},
    },
    "root": {"handlers": ["console"], "level": "ERROR"},
}
