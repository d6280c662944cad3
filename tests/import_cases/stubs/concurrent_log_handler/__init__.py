"""concurrent-log-handler: a RotatingFileHandler that several processes share (one
process here, so it writes what RotatingFileHandler writes)."""
from logging.handlers import RotatingFileHandler, TimedRotatingFileHandler


class ConcurrentRotatingFileHandler(RotatingFileHandler):
    def __init__(self, filename, mode="a", maxBytes=0, backupCount=0, encoding=None,
                 delay=False, use_gzip=False, owner=None, chmod=None, umask=None,
                 newline=None, terminator="\n", unicode_error_policy="ignore", lock_file_directory=None):
        super().__init__(filename, mode, maxBytes, backupCount, encoding, delay)


class ConcurrentTimedRotatingFileHandler(TimedRotatingFileHandler):
    pass
