#!/bin/sh
# Closeloop (闭环督办): the desktop app with no arguments, the headless CLI with a command
# (closeloop task list, closeloop --version). The app itself is under /opt/closeloop.
exec /opt/closeloop/closeloop "$@"
