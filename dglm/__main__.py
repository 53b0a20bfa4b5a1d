"`python -m dglm ...`: the `dglm` command (kept by hand; see nbs/12_cli.ipynb)."
import sys
from dglm.cli import main

if __name__ == "__main__": sys.exit(main())
