package load

// Version identifies how this package measures. It goes up whenever a
// change moves the figures it reports for an unchanged server, and results
// of different versions are not compared. Version 2 paces requests with a
// timerfd on Linux and sends them through perf/wire. Version 1, whose
// results carry no version, paced with runtime timers, which added up to
// about 1 ms of the generator's own lateness to every latency.
const Version = 2
