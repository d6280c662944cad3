"""A stand-in for colorlog: ColoredFormatter with the fields colorlog adds. The
escape codes are colorlog's; import cases that use it list the file as differing."""
import logging

from logging import StreamHandler  # colorlog re-exports it

ESCAPES = {"DEBUG": "\x1b[36m", "INFO": "\x1b[32m", "WARNING": "\x1b[33m",
           "ERROR": "\x1b[31m", "CRITICAL": "\x1b[1;31m"}


class ColoredFormatter(logging.Formatter):
    def __init__(self, fmt=None, datefmt=None, style="%", log_colors=None, reset=True,
                 secondary_log_colors=None, validate=True, stream=None, no_color=False,
                 force_color=False, defaults=None):
        super().__init__(fmt, datefmt, style)
        self.reset = reset

    def format(self, record):
        record.log_color = ESCAPES.get(record.levelname, "")
        record.reset = "\x1b[0m"
        out = super().format(record)
        return out + "\x1b[0m" if self.reset else out
