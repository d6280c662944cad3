# loggers["root"] gives the root a handler; the top-level "root" (applied after the
# loggers) sets only a level, and Python's dictConfig removes the root's handlers
# before adding the (no) handlers it names.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "loggers": {"root": {"handlers": ["out"], "level": "DEBUG"}},
    "root": {"level": "ERROR"},
}
