"""Context values computed only if a template asks for them (a kept shared fragment does not)."""

from functools import cache, partial


def once(function, *args, **kwargs):
    """A callable the template calls on first use (Django templates call callables), memoised for the
    other uses in the same render. ``once(f, a)()`` in Python code gives the value itself."""
    return cache(partial(function, *args, **kwargs))
