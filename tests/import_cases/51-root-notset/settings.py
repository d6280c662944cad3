# The root at NOTSET (every record passes) and a logger at NOTSET under a configured
# parent.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": True,
    "formatters": {"f": {"format": "%(name)s %(levelname)s %(message)s"}},
    "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "f"}},
    "loggers": {"celery": {"level": "WARNING"}, "celery.task": {"level": "NOTSET"}},
    "root": {"level": "NOTSET", "handlers": ["out"]},
}
