"""Language names and codes (English, Italiano, eng, spa) to ISO 639-1 codes, via langcodes."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=512)
def to_code(value: str) -> str:
    """ISO 639 code for a language name or code; unknown values are returned as given.

    >>> to_code("English"), to_code("eng"), to_code("Italiano"), to_code("Español"), to_code("en-US")
    ('en', 'en', 'it', 'es', 'en-US')
    """
    text = value.strip()
    if not text:
        return ""
    tag = _as_tag(text) if len(text) <= 3 or "-" in text or "_" in text else None
    if tag:
        return tag
    import langcodes  # its data takes 40 ms to load: only when a language is read

    for lang in (None, "en", "it", "es", "de", "fr", "he", "pt"):
        try:
            found = langcodes.find(text, language=lang) if lang else langcodes.find(text)
            return found.language or text
        except LookupError:
            continue
    return text


def _as_tag(text: str) -> str | None:
    """The standard form of something that looks like a language code ("eng", "en_US"), if it is one."""
    import langcodes

    try:
        tag = str(langcodes.standardize_tag(text.replace("_", "-")))
    except (ValueError, LookupError):  # not a code at all: the caller tries it as a name
        return None
    return tag if langcodes.Language.get(tag).is_valid() else None
