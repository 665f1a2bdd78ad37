def narrowed(queryset, data: dict, fields: tuple[str, ...]):
    """The queryset narrowed to the chosen value of each of ``fields`` the filter form was given."""
    chosen = {name: data[name] for name in fields if data.get(name)}
    return queryset.filter(**chosen) if chosen else queryset
