"""The one place where user-written markdown becomes HTML.

Text is rendered with ``markdown`` and then sanitised with ``nh3`` (Ammonia),
allowing only what rendered markdown needs. Store the result beside the source
(see ``RenderedMarkdownField``) so pages never render markdown per request.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
_EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown source to sanitised HTML, safe to put in a page as it is."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html")
    return sanitise_html(html)
