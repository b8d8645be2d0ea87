#!/bin/sh
echo "tests/cli: not yet"; exit 77
