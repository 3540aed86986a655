// Command brokenbuild does not compile, so that tests can check how a
// build failure is reported.
package main

import "fmt"

func main() {
	var port int = "not a number"
	fmt.Println(port)
}
