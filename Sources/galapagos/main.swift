import GalapagosCLI

#if canImport(Glibc)
import Glibc
#endif

exit(GalapagosCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
