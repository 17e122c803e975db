from gh_promotion.cli import main

main()
