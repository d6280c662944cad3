# A project's own subclasses of the file handlers: Python writes each file; after the
# import each becomes the standard class its arguments belong to and writes the same
# file (the subclasses' extra rules are noted as not reproduced).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "verbose": {"format": "{levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "sized_timed": {
            "class": "myapp.handlers.SizedTimedRotatingFileHandler",
            "filename": "app.log",
            "when": "midnight",
            "backupCount": 7,
            "maxBytes": 10485760,
            "formatter": "verbose",
        },
        "daily": {
            "class": "myapp.handlers.DailyTimedRotatingFileHandler",
            "filename": "daily.log",
            "when": "D",
            "interval": 1,
            "formatter": "verbose",
            "level": "WARNING",
        },
        "plain": {
            "class": "myapp.handlers.MakedirsFileHandler",
            "filename": "plain.log",
            "formatter": "verbose",
        },
        "sized": {
            "class": "myapp.handlers.CompressingRotatingFileHandler",
            "filename": "sized.log",
            "maxBytes": 1048576,
            "backupCount": 3,
            "compress": True,
            "formatter": "verbose",
        },
        "out": {
            "class": "myapp.handlers.TaggedStreamHandler",
            "stream": "ext://sys.stdout",
            "tag": "web",
            "formatter": "verbose",
            "level": "ERROR",
        },
    },
    "root": {"handlers": ["plain", "out"], "level": "INFO"},
    "loggers": {
        "billing": {"handlers": ["sized_timed", "daily"], "level": "DEBUG"},
        "billing.jobs": {"handlers": ["sized"], "level": "INFO", "propagate": False},
    },
}
