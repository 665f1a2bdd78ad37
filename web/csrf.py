"""The page's CSRF token, masked as Django masks it but in one pass instead of two hundred small calls.

Every page carries the token (``hx-headers`` on ``<body>``, the sign-out form), and a fresh mask is drawn for
each response so that the token never repeats (the BREACH defence). Django draws the mask one character at a
time (32 ``secrets.choice`` calls) and adds it to the secret through three generators: a few thousand
bytecodes per page. Here the mask is random bytes turned into characters in one ``bytes.translate``, and the
cipher a table look-up per character: the same uniform mask, the same cipher, checked by Django's own
``CsrfViewMiddleware`` on the way back.

``csrf_token`` replaces Django's built-in ``csrf`` context processor's value (a later processor's key wins);
when the request holds no CSRF secret yet, Django's ``get_token`` makes one and sets the cookie as always.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.functional import SimpleLazyObject

_BASE = len(CSRF_ALLOWED_CHARS)
# Random bytes read as characters: byte b stands for the character at b mod 62, and the bytes from 248 (4 × 62) on
# are dropped, so that every character is equally likely.
_AS_CHARACTERS = bytes(ord(CSRF_ALLOWED_CHARS[b % _BASE]) for b in range(256))
_UNEVEN = bytes(range(_BASE * (256 // _BASE), 256))
# _SUM[a][b]: the character at (position of a + position of b) mod 62.
_SUM = {
    a: {b: CSRF_ALLOWED_CHARS[(i + j) % _BASE] for j, b in enumerate(CSRF_ALLOWED_CHARS)}
    for i, a in enumerate(CSRF_ALLOWED_CHARS)
}


def random_mask(length: int = CSRF_SECRET_LENGTH) -> str:
    """``length`` characters drawn uniformly and independently from the CSRF alphabet."""
    drawn = b""
    while len(drawn) < length:
        drawn += secrets.token_bytes(length + 8).translate(_AS_CHARACTERS, _UNEVEN)
    return drawn[:length].decode("ascii")


def masked_token(secret: str) -> str:
    """``django.middleware.csrf._mask_cipher_secret``: a random mask, then the secret shifted by it."""
    mask = random_mask(len(secret))
    return mask + "".join([_SUM[s][m] for s, m in zip(secret, mask, strict=True)])


def page_token(request) -> str:
    """``django.middleware.csrf.get_token``, with the quicker mask when the request already holds a secret."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)
    # As get_token: the cookie is sent again so that its expiry is renewed.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return masked_token(secret)


def csrf_token(request) -> dict:
    return {"csrf_token": SimpleLazyObject(lambda: page_token(request))}
