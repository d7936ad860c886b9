"""Deploy and compress: text models out as GGUF files for llama.cpp tools, GGUF files in, run on the CPU."""
