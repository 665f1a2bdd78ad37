"""Plain text shortened for titles and labels: cut at a word, never inside one, with an ellipsis."""


def shorten(text: str, limit: int) -> str:
    """The first line of ``text`` in at most ``limit`` characters, cut at a word and marked with "…"."""
    text = " ".join((text or "").strip().splitlines()[0].split()) if (text or "").strip() else ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"
