"""Expected errors returned as values (pure: no Django).

A pure core reports what is wrong with its input as a message code and the numbers behind it;
the English template is marked with `gettext_noop` so that `makemessages` finds it, and the web
or CLI layer renders it in the user's language (Bahasa Indonesia by default).
"""

from dataclasses import dataclass, field
from typing import ClassVar


def gettext_noop(message: str) -> str:
    """Marks a message for translation; the web and CLI layers translate it when shown."""
    return message


@dataclass(frozen=True)
class Problem:
    """A message code and its numbers; subclasses name their module's `messages`."""

    messages: ClassVar[dict[str, str]] = {}

    code: str
    params: dict = field(default_factory=dict)

    def render(self, translate=gettext_noop) -> str:
        return translate(self.messages[self.code]) % self.params
