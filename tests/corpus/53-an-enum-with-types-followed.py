# an enum with type objects followed: its class and metaclass are Python classes
# options: {"followTypes": true, "topN": 5}
import enum
class Color(enum.Enum):
    RED = 1
    GREEN = 2
favourite = Color.GREEN
