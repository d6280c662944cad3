# loggers[""] sets the root's level, loggers["root"] (the same logger) its handlers:
# Python applies both, so the root is at DEBUG with the handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "loggers": {"": {"level": "DEBUG"}, "root": {"handlers": ["out"]}},
}
