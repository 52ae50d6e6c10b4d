#!/usr/bin/env bash
# placeholder until images/woocommerce/setup.sh lands
exit 1
