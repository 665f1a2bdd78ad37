"""How our block and simple tags read their arguments: ``{% tag first rest… [keyword word] %}``.

``{% link "review_section" review.pk s.name as url %}`` and ``{% shared_fragment "review-top" … unless
editing %}`` take a first argument, any number after it, and may end in a keyword and one word.
"""

from django.template import TemplateSyntaxError
from django.template.base import FilterExpression, Parser, Token


def tag_arguments(
    parser: Parser, token: Token, closing: str, missing: str
) -> tuple[FilterExpression, list[FilterExpression], str | None]:
    """The tag's first argument and the ones after it, compiled, and the word after a closing ``closing``
    keyword (None without one). A tag with no argument raises ``missing``."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise TemplateSyntaxError(missing)
    last = None
    if len(bits) >= 4 and bits[-2] == closing:
        last = bits[-1]
        bits = bits[:-2]
    return parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], last
