from django.db import models

from markup import render_markdown


class RenderedMarkdownField(models.TextField):
    """Sanitised HTML of another text field, rendered whenever the model is saved.

    ``summary_html = RenderedMarkdownField(source="summary")`` keeps the HTML
    beside its source so pages show it without rendering on every request.
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        html = render_markdown(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, html)
        return html
