#!/usr/bin/env bash
# Two Sphinx shards of a baogao index on this machine, and a distributed
# index over both: built from `baogao export --format sphinx --shards 2`,
# served by two searchd on 127.0.0.1, queried through SphinxQL.
#
#   deploy/sphinx/cluster.sh build WORK   export both shards, write the
#                                         configs, run indexer
#   deploy/sphinx/cluster.sh start WORK   start both searchd, wait until
#                                         they answer
#   deploy/sphinx/cluster.sh stop  WORK [shard0|shard1]
#                                         stop both (or one) by pid file
#
# Environment: BAOGAO (the binary; default: baogao on PATH), BAOGAO_INDEX
# (the index to export; default: index), PORT_BASE (default 9400: shard0
# listens on PORT_BASE (API) and PORT_BASE+6 (SphinxQL), shard1 on +1 and
# +7). Query the distributed index `dist` on shard0's SphinxQL port:
#
#   mysql -h 127.0.0.1 -P 9406 -e "SELECT id, file FROM dist WHERE MATCH('\"学前教育\"'); SHOW META"
set -eu
command=${1:?usage: cluster.sh build|start|stop WORK [shard]}
work=${2:?usage: cluster.sh build|start|stop WORK [shard]}
here=$(cd "$(dirname "$0")" && pwd)
baogao=${BAOGAO:-baogao}
index=${BAOGAO_INDEX:-index}
base=${PORT_BASE:-9400}

api_port() { echo $((base + $1)); }
sql_port() { echo $((base + 6 + $1)); }

config() { # shard number
    n=$1
    if [ "$n" = 0 ]; then
        distributed="index dist
{
    type                  = distributed
    local                 = shard0
    agent                 = 127.0.0.1:$(api_port 1):shard1
    agent_connect_timeout = 1000
    agent_query_timeout   = 10000
}"
    else
        distributed=""
    fi
    # The distributed block spans lines: substitute it with awk, the rest
    # with sed.
    sed -e "s|@SHARD@|shard$n|g" -e "s|@WORK@|$work|g" \
        -e "s|@API_PORT@|$(api_port "$n")|g" -e "s|@SQL_PORT@|$(sql_port "$n")|g" \
        "$here/shard.conf.in" |
        awk -v block="$distributed" '{ if ($0 == "@DISTRIBUTED@") print block; else print }' \
        >"$work/shard$n.conf"
}

case "$command" in
build)
    mkdir -p "$work/data"
    work=$(cd "$work" && pwd)
    for n in 0 1; do
        "$baogao" export --index "$index" --format sphinx --shards 2 --shard "$n" >"$work/shard$n.xml"
        config "$n"
        indexer --config "$work/shard$n.conf" --quiet "shard$n"
    done
    ;;
start)
    work=$(cd "$work" && pwd)
    for n in 0 1; do
        searchd --config "$work/shard$n.conf" >"$work/shard$n.start.log" 2>&1
    done
    # Wait until both answer on their SphinxQL port (10 s at most).
    for n in 0 1; do
        port=$(sql_port "$n")
        tries=0
        until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
            tries=$((tries + 1))
            if [ "$tries" -gt 100 ]; then
                echo "cluster.sh: shard$n did not answer on port $port" >&2
                exit 1
            fi
            sleep 0.1
        done
    done
    ;;
stop)
    work=$(cd "$work" && pwd)
    for n in 0 1; do
        if [ -n "${3:-}" ] && [ "$3" != "shard$n" ]; then
            continue
        fi
        if [ -f "$work/shard$n.pid" ]; then
            searchd --config "$work/shard$n.conf" --stopwait >/dev/null 2>&1 || true
        fi
    done
    ;;
*)
    echo "cluster.sh: unknown command $command (build, start or stop)" >&2
    exit 2
    ;;
esac
