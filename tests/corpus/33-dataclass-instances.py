# dataclass instances
import dataclasses
@dataclasses.dataclass
class D:
    a: float
    b: list
ds = [D(1.5, [1]), D(2.5, [])]
