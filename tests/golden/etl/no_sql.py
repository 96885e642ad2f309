"""Python that only looks like it runs SQL: nothing here is a call site."""

import subprocess


class Runner:
    def execute(self, command):
        return subprocess.run(command, check=True)


Runner().execute(["ls", "-la"])
title = "select a movie"
