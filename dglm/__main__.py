__all__ = []

# %% ../nbs/12_cli.ipynb #f3da2578
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())

# %% ../nbs/12_cli.ipynb #f3da2578
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())

# %% ../nbs/12_cli.ipynb #0c836a6a
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())

# %% ../nbs/12_cli.ipynb #f2b496e4
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())

# %% ../nbs/12_cli.ipynb #90b82220
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())

# %% ../nbs/12_cli.ipynb #b760bdd2
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())

# %% ../nbs/12_cli.ipynb #287f4a86
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())

# %% ../nbs/12_cli.ipynb #287f4a86
#| eval: false
import sys
from .cli import main
if __name__ == "__main__": sys.exit(main())