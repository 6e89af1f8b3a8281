// Command godmode is the terminal console of a multi-tenant n8n platform.
package main

func main() {}
