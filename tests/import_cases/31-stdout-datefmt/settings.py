# Python logging cookbook style: a console on stdout with its own date format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "precise": {
            "format": "%(asctime)s %(name)-15s %(levelname)-8s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S",
        },
        "brief": {"format": "%(levelname)-8s: %(name)-15s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "brief",
            "level": "INFO",
            "stream": "ext://sys.stdout",
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "formatter": "precise",
            "filename": "logconfig.log",
            "maxBytes": 1024,
            "backupCount": 3,
        },
    },
    "loggers": {"foo.bar.baz": {"level": "DEBUG", "handlers": ["file"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
