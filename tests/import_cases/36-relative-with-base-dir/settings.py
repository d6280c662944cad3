# Relative file names resolved against LOG_BASE_DIR, as asked with --base-dir (this
# case runs logconf with LOG_BASE_DIR set to its working directory).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "file": {"class": "logging.FileHandler", "filename": "app.log"},
        "errors": {"class": "logging.FileHandler", "filename": "errors.log", "level": "ERROR"},
    },
    "root": {"handlers": ["file", "errors"], "level": "INFO"},
}
