// Command brokenbuild does not compile. The fault tests build it to check
// that the workflow shows the compiler's error and starts nothing.
package main

import "fmt"

func main() {
	var rate float64 = "fast"
	fmt.Println(rate)
}
