"""The Pareto front of a set of points, lower being better on both coordinates: the sweep's
plot and ``mitchell pick`` draw it (a module of its own, which imports nothing)."""


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points no other point beats on both coordinates (lower is better)."""
    front = []
    for index, (x, y) in enumerate(points):
        dominated = any((ox <= x and oy <= y) and (ox < x or oy < y) for ox, oy in points)
        if not dominated:
            front.append(index)
    return sorted(front, key=lambda i: points[i])
